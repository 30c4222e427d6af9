System.setProperty("REDDIT_CLIENT_SECRET", "k9QV5_uXZOfo2ZPnjBTb0-fZIdiI6l");
