System.setProperty("DEEPSEEK_API_KEY", "sk-db775fac336758f2a1196852f70ca53e");
