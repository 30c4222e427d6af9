System.setProperty("PAGERDUTY_API_KEY", "7qZaWHsk5QB1IpIErnfQ");
