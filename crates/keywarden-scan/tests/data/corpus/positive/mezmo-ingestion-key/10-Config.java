System.setProperty("LOGDNA_INGESTION_KEY", "df7959cf4fd2a24eabf2e0494ebdae29");
