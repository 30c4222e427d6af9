System.setProperty("MONGODB_ATLAS_PRIVATE_KEY", "fbf7746b-b90e-5295-fb82-ca21b9bd5da2");
