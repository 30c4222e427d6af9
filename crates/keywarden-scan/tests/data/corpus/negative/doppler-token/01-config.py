value = "dp.pt.7qZvsSbXL2"
