CYPRESS_RECORD_KEY = 'c3de56bc-e66a-f44b-d000-dacb9cb39afd'
