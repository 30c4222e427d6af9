System.setProperty("ROLLBAR_ACCESS_TOKEN", "7c13784a5f8ecdec107022a49cca377e");
