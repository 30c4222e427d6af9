System.setProperty("VERCEL_TOKEN", "7qZ49AQ1JzD7a17uSVASUpDg");
