token = "bkua_2cbc231f8e90aa6deb107b2ce3cc90d0b9c9a623"
