value = "sbp_c02a8ee2a6b7af32d1381618cd5b248d3912dbf7"
