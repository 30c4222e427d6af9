System.setProperty("ROLLBAR_ACCESS_TOKEN", "bf62f17ffc13484281fc2c5f0eacc330");
