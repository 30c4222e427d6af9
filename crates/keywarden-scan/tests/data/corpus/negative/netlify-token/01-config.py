value = "nfp_7qZqBlb6hiicyMRuyzmv"
