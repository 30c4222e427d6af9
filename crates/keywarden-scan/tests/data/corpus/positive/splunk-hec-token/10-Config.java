System.setProperty("SPLUNK_HEC_TOKEN", "ea680edf-76ec-e2b3-ffda-21ee6152c59d");
