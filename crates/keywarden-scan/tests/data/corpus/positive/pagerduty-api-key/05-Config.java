System.setProperty("PAGERDUTY_API_KEY", "7qZMTN2w57EWeJiv1k7q");
