api_key = "xxxxxxxxxxxxxxxxxxxxxxxx"
