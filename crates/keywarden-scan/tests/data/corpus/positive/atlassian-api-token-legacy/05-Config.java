System.setProperty("JIRA_API_TOKEN", "7qZPfeUkMywRMpPlf5oDVebr");
