System.setProperty("LOGGLY_TOKEN", "9d46f93e-123d-0d32-5a93-541a65fd9a2b");
