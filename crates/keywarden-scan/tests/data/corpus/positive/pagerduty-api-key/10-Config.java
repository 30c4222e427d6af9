System.setProperty("PAGERDUTY_API_KEY", "7qZ7rL6FpanSNbSVMyg4");
