System.setProperty("TWITCH_CLIENT_SECRET", "etzpmadrp300ac7eno9i9kbpeyhc6r");
