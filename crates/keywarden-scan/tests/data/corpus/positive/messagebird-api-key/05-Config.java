System.setProperty("MESSAGEBIRD_API_KEY", "7qZaLgDsCsowsbAfInowm4TDU");
