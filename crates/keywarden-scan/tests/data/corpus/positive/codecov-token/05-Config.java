System.setProperty("CODECOV_TOKEN", "27aba820-8d30-22eb-e52c-0d1dd99ad356");
