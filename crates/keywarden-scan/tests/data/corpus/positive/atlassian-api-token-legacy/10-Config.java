System.setProperty("JIRA_API_TOKEN", "7qZxY47ODBWAfYRKLFoUdrGb");
