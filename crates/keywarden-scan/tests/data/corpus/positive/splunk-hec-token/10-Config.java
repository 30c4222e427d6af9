System.setProperty("SPLUNK_HEC_TOKEN", "ce7154e9-f7d6-1909-23d6-fa408ff9730e");
