System.setProperty("PUSHER_APP_SECRET", "fb5e9ccfe6389a5dd49f");
