api_key = "7qZczZ8lUJZkpkMEev3nJMHwM2yDY7R6"  # keywarden:allow
