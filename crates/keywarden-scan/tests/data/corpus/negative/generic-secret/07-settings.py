password = "changeme-please-0000"
