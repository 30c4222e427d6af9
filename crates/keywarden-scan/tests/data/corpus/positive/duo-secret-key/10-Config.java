System.setProperty("DUO_SECRET_KEY", "7qZBzWn9ORnSiPBZ5HMLlmAUWYZrq0UrVA4eeu9H");
