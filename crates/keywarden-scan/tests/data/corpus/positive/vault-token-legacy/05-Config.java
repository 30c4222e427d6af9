System.setProperty("VAULT_TOKEN", "s.7qZWnW1kYbOwWC6cLu06jDrN");
