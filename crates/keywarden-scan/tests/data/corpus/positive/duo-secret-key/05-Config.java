System.setProperty("DUO_SECRET_KEY", "7qZaqJ5m6YX93lzfc1mKWX6kbv9Vx6EvfhoEU59c");
