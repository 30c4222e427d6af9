System.setProperty("ASSEMBLYAI_API_KEY", "a9afe845a77c806ce7a9f98b05b05c17");
