System.setProperty("MONGODB_ATLAS_PRIVATE_KEY", "54d32c42-cebb-3a58-f150-842eb4de6570");
