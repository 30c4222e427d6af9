System.setProperty("SMARTSHEET_ACCESS_TOKEN", "7qZJTDAEzKyfmhHpmFK4aqaumq1ZA1YlfPokJ");
