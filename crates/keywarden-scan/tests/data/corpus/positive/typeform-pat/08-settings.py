token = "tfp_b3215968bee38b3cdb4161ea58a2515b4e1fb958"
