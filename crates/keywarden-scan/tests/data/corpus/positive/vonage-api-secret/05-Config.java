System.setProperty("VONAGE_API_SECRET", "7qZqaumq1ZA1YlfP");
