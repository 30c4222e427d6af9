System.setProperty("ASSEMBLYAI_API_KEY", "90675ecd4c8b3c16ba28f31039b6aec2");
