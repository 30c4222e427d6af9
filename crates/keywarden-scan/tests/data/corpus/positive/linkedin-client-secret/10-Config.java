System.setProperty("LINKEDIN_CLIENT_SECRET", "7qZE7iXrJrVlZHDl");
