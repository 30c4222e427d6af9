System.setProperty("DEEPSEEK_API_KEY", "sk-964abc3b110f01ddab1c8d66f6cd1671");
