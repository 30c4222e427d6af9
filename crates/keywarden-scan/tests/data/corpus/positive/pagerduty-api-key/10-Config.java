System.setProperty("PAGERDUTY_API_KEY", "7qZ8FOje6OAEQDlKDKrA");
