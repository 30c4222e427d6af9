System.setProperty("PAGERDUTY_API_KEY", "7qZoSbKXCinCBGuKPrwo");
