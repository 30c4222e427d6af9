token = "bkua_5fbb8a3bce66ac12361c15d61e5826f5ecf1c559"
