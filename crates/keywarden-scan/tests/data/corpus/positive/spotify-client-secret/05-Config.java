System.setProperty("SPOTIFY_CLIENT_SECRET", "0881b11d96e2e8a409d63f9e9ecf2ea2");
