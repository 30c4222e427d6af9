System.setProperty("SPLUNK_HEC_TOKEN", "2a2527a5-d24b-d04e-8a4f-c52a4bfaf933");
