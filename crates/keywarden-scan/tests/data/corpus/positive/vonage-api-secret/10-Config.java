System.setProperty("VONAGE_API_SECRET", "7qZt2WK85Zn1v0pW");
