    check_private_key_bytes: x25519_check_private_key_bytes,
