System.setProperty("PUSHER_APP_SECRET", "03d7cd0f0881b11d96e2");
