System.setProperty("AIRTABLE_API_KEY", "key7qZbJhgoxgaSDg");
