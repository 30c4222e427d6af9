System.setProperty("MISTRAL_API_KEY", "7qZUtg86rcDdoJevFOazE0m87lkKIrXe");
