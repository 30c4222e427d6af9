System.setProperty("MONGODB_ATLAS_PRIVATE_KEY", "f7ae52d8-75d5-67a3-b7d6-b79c75f6cb45");
