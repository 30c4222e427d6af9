value = "tfp_fd286ee10e512ad883ba95df3e4507303fb6457e"
