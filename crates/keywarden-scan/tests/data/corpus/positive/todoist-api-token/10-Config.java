System.setProperty("TODOIST_API_TOKEN", "e7d939fc8b20b61989456e3bf4cbf0df9d284762");
