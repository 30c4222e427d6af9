System.setProperty("BUGSNAG_API_KEY", "ef74662f9beea517e11be67a17d726c3");
