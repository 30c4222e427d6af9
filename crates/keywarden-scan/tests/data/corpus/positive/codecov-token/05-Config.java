System.setProperty("CODECOV_TOKEN", "015ffdc1-49d4-6f93-e123-d0d325a93541");
