System.setProperty("DEEPGRAM_API_KEY", "4fd08b2b52f9cb43bb84b3addb775fac336758f2");
