System.setProperty("GITEA_TOKEN", "96ac3ea6a3b9ddb4ccd424847354bae6abed61d6");
