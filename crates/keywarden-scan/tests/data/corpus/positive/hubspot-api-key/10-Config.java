System.setProperty("HUBSPOT_API_KEY", "99ac4b0d-3e58-0516-6efc-27d5c014b3fe");
