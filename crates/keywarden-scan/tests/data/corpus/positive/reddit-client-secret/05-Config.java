System.setProperty("REDDIT_CLIENT_SECRET", "k9Qe2yoWDtThcuk_uy45m3RjPJE7mO");
