token = "sgp_8bdca9a96fc0f73268f7d18268140e5b258f3a8f"
