System.setProperty("FRESHDESK_API_KEY", "7qZAUQbUPrNFCqhswLax");
