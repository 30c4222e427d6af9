System.setProperty("PINECONE_API_KEY", "82a46464-312b-2bd5-eada-bbde30f7b4a6");
