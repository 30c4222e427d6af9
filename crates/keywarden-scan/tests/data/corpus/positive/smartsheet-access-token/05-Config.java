System.setProperty("SMARTSHEET_ACCESS_TOKEN", "7qZxNTqdhywvchyemNxNVW0WGWcNH3skFEPmW");
