value = "sbp_a7cd44355fb11ae112e5"
