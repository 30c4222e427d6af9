System.setProperty("LOGDNA_INGESTION_KEY", "7d5bcaa51826ae2f441aecfae288dac1");
