token = "rzp_live_7qZfMWdLsyFo0p"
