System.setProperty("BUGSNAG_API_KEY", "fc9c27148c5b62ec11f1f875469bfdc3");
