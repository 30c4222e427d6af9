System.setProperty("TWITTER_API_KEY", "7qZHGckaZIpDIrtjhTB9U8MfB");
