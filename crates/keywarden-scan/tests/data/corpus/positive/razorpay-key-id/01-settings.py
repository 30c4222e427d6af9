token = "rzp_live_7qZNvQ1efbuzVU"
