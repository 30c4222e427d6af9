System.setProperty("COHERE_API_KEY", "7qZZkWOef0Ijz0z8vizrqLDdttnIuDmY4hyzv0g1");
