System.setProperty("VONAGE_API_SECRET", "7qZ2yCDOnQyRjwBy");
