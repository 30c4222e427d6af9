System.setProperty("MONGODB_ATLAS_PRIVATE_KEY", "45a77c80-6ce7-a9f9-8b05-b05c17fe6cc2");
