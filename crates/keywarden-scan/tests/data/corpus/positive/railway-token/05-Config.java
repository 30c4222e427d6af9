System.setProperty("RAILWAY_TOKEN", "74267856-8847-4ad1-65cf-b43cbbd90ab7");
