System.setProperty("PAGERDUTY_API_KEY", "7qZruWHN2uYcgEJ036wm");
