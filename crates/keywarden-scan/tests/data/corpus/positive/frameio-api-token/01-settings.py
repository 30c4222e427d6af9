token = "fio-u-k9QtgQOLI28X0IduUmzdRym8m7qxUV31jKw5I7n4mfeTDO9vwLBdIjpWp-Uae4lY"
