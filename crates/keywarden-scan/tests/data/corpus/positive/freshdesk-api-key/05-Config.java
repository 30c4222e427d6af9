System.setProperty("FRESHDESK_API_KEY", "7qZRHGZOa9sWQ9FDhdO3");
