System.setProperty("MOLLIE_API_KEY", "live_7qZJqExvafnQsHpbzzQaNE4O0iHi1p");
