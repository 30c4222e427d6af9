System.setProperty("MOLLIE_API_KEY", "live_7qZVnHh7rh4pWCKWNjLYHZj0ggk3R5");
