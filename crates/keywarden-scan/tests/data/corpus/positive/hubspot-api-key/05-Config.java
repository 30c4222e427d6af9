System.setProperty("HUBSPOT_API_KEY", "774c4f13-1c58-a70c-dd49-a2da6e4c0cfa");
