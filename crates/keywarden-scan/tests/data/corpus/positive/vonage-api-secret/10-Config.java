System.setProperty("VONAGE_API_SECRET", "7qZEewTEXC2uuN47");
