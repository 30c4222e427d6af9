token = "NRII-k9QBikhvoX10VxRB7NgPN8mvLiix7b_A"
