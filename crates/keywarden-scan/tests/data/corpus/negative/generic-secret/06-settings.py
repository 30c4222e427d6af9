password = "changeme"
