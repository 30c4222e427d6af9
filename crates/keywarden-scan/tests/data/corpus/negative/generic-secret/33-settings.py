checksum = "97cc7febffe26c31f97b59336fb46aa2169d7ee5"
