System.setProperty("LINKEDIN_CLIENT_SECRET", "7qZTwpXXnkh8iA5H");
