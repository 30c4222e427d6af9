System.setProperty("TODOIST_API_TOKEN", "caf73cc47f8f4c3f0d235aac3317bd3335470117");
