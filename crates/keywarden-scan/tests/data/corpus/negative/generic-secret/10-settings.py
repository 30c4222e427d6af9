secret = get_secret_from_vault(name)
