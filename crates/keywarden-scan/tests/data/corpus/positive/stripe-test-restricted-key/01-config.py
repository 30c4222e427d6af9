value = "rk_test_7qZH9MKtRKN1YE67VwXXsIKV"
