value = "dp.pt.7qZQGegGcYSysh1ULm5NABE1bMTOKkIpnY2hhXPEZIA"
