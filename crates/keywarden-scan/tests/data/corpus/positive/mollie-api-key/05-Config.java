System.setProperty("MOLLIE_API_KEY", "live_7qZ2VZjK1gb4aE7MeVOg8AZuVHINfy");
