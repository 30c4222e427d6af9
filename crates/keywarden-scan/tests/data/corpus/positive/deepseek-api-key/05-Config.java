System.setProperty("DEEPSEEK_API_KEY", "sk-527e452fed22efdc097dd07539fb651e");
