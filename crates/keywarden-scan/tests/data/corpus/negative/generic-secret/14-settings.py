api_key = "MyServiceApiKeyName"
