value = "ntn_7qZVFaokedQG7vwq9Ie9"
