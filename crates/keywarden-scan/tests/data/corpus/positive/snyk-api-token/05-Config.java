System.setProperty("SNYK_TOKEN", "414647a3-0d1d-70c8-24e9-4203af59857c");
