value = "dapid50db6f12cb3ef54"
