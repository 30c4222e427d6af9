System.setProperty("PINECONE_API_KEY", "008b0510-c7ab-8645-c3b0-9611e65a2823");
