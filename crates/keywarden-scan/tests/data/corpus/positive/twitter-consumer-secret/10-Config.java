System.setProperty("TWITTER_API_KEY", "7qZdOWDszLO7iCJlEBb156fmK");
