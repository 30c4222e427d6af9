System.setProperty("GITEA_TOKEN", "611e65a28233ea61de07357d12a9dda4a7955af7");
