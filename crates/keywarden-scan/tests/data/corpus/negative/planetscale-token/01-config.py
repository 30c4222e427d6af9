value = "pscale_tkn_7qZaDjv8FV"
