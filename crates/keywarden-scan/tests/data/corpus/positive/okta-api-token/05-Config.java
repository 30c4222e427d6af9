System.setProperty("OKTA_API_TOKEN", "00k9QBoMI7Io_tx5EaPW96ltC96B4MNghEjK3gXch6");
