token_url = "https://auth.example.com/oauth2/token"
