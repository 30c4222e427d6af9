System.setProperty("FRESHDESK_API_KEY", "7qZgyDAKeM9d3ZfbsUCx");
