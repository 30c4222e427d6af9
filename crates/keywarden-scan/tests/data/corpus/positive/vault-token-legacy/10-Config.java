System.setProperty("VAULT_TOKEN", "s.7qZXFdjfexSiehmDhn7e19lh");
