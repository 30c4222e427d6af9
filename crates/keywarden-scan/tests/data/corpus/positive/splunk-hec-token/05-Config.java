System.setProperty("SPLUNK_HEC_TOKEN", "7faee9bb-d838-3fb3-c1d7-e679ef74662f");
