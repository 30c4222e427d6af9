System.setProperty("PINECONE_API_KEY", "19308d84-810e-74c7-b776-7fcb723212b8");
