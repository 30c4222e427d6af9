System.setProperty("CODECOV_TOKEN", "469bfdc3-f937-8f8b-9378-6362ba0a54ca");
