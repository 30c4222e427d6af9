value = "sk_test_7qZ00EHJCQDTXeNwG7eMBQHs"
