System.setProperty("CIRCLECI_TOKEN", "a2ef1dd2c44ded104fbe842a3a2b07846e35914d");
