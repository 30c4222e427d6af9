System.setProperty("VERCEL_TOKEN", "7qZwnoSbKXCinCBGuKPrwoFm");
