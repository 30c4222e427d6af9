value = "pscale_tkn_7qZpDltknv"
