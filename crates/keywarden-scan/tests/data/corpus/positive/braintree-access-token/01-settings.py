token = "access_token$production$k0pgr9t2rga3e4lj$4c8eb58ab4555d065c3a3d51fd97d1aa"
