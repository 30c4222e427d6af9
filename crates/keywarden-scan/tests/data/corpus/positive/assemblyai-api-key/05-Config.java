System.setProperty("ASSEMBLYAI_API_KEY", "3c89cbe09c3334d2a17f6a18c36e40ef");
