System.setProperty("DEEPGRAM_API_KEY", "fe6cc296ac3ea6a3b9ddb4ccd424847354bae6ab");
