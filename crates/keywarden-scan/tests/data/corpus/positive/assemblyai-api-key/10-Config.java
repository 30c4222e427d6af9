System.setProperty("ASSEMBLYAI_API_KEY", "6e9a9c23b91ff87f64fce79419308d84");
