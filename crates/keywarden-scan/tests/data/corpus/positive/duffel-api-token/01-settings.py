token = "duffel_test_k9QL7xbhN1Zf42fKcN_cyG3eT-Kr93bhqJXKa7gmXLL"
