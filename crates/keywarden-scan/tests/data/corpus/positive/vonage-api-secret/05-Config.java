System.setProperty("VONAGE_API_SECRET", "7qZJuBLDGcJcdeuf");
