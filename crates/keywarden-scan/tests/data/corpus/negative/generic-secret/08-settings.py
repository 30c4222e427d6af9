api_key = "<your-api-key>"
