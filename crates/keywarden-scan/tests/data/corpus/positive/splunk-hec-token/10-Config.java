System.setProperty("SPLUNK_HEC_TOKEN", "fb6fc36e-0d01-2a70-f6e5-041515354ddb");
