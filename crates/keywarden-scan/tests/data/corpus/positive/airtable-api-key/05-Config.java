System.setProperty("AIRTABLE_API_KEY", "key7qZrlUyeAN16PW");
