System.setProperty("PINECONE_API_KEY", "eb68c07f-1400-e384-9aae-9027c312a5de");
