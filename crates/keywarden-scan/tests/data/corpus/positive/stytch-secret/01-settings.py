token = "secret-live-k9QtEI0G_LcWmdfGYGfFtzyg7BT-GSaXIt51"
