System.setProperty("FRESHDESK_API_KEY", "7qZ3yaYrEvAurwnYUzU8");
