token = "rzp_live_7qZN8ZFjcw6bpA"
