api_key = os.getenv('API_KEY')
