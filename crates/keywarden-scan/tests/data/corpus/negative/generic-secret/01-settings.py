api_key = os.environ["API_KEY"]
