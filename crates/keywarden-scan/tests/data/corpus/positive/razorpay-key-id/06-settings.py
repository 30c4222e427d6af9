token = "rzp_live_7qZQsHpbzzQaNE"
