System.setProperty("RAILWAY_TOKEN", "eb2c8cac-0516-ff87-48b1-69c6c4fbf774");
