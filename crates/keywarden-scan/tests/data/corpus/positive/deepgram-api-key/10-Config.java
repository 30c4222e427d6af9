System.setProperty("DEEPGRAM_API_KEY", "de657010b2807efec72f2ad42e7d939fc8b20b61");
