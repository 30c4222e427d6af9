System.setProperty("ASSEMBLYAI_API_KEY", "62ab4854d32c42cebb3a58f150842eb4");
