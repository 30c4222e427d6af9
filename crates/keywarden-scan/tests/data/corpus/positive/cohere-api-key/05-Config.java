System.setProperty("COHERE_API_KEY", "7qZuYT3kGyFqvaqJ5m6YX93lzfc1mKWX6kbv9Vx6");
