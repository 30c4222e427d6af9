System.setProperty("PUSHER_APP_SECRET", "e5eacfac5eb6902940a2");
