System.setProperty("DEEPSEEK_API_KEY", "sk-bb064a2edb3c1808ee70ca346b45d6dd");
