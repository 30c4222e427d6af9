value = "sbp_62d543caf83c50aee1f0"
