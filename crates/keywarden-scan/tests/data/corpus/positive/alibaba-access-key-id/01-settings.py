token = "LTAI7qZQjyBCGkOIUmcTeLMm"
