newrelic.license_key = "3cc79eea4579e89bf11a5d017f43c0b2039653ed"
