System.setProperty("OPSGENIE_API_KEY", "ff9730ee-70b9-d4cc-8509-f077b8db4d05");
