value = "ghs_7qahnaR2ITUHZFV2UAm2uKz1b08VB12Qs28t"
