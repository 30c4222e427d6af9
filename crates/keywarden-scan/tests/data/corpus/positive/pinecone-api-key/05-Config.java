System.setProperty("PINECONE_API_KEY", "c36e40ef-a7f8-9c10-2549-6fd9da51b231");
