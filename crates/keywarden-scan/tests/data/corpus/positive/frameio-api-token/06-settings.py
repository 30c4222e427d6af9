token = "fio-u-k9Q-IzbWzqjeBFDxrgAxmqxzcTv6FicaFEdrxwrVqSejpAv6ocCJJyp8I38EmU9d"
