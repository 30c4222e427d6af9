System.setProperty("DEEPSEEK_API_KEY", "sk-07357d12a9dda4a7955af7d7b69359bf");
