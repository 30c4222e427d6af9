System.setProperty("PINECONE_API_KEY", "954026fa-9aca-872f-4fb0-8f7f62d28938");
