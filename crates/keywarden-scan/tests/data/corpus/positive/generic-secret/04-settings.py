const clientSecret = '7qZczZ8lUJZkpkMEev3nJMHwM2yDY7R6';
