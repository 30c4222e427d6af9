token = "tk-us-k9QOXGwMVS1RApuj1nbmzbmTdPLSjLngqhrzmfqCcD6ctDKH"
