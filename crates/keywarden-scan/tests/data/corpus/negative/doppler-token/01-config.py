value = "dp.pt.7qZ74k5SBE"
