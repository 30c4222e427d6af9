System.setProperty("TODOIST_API_TOKEN", "d8a05c91e7844e6fb7eb2c8cac0516ff8748b169");
