    private_key_ops: &p256::PRIVATE_KEY_OPS,
