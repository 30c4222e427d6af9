System.setProperty("REDDIT_CLIENT_SECRET", "k9Q-9MFKpn0Esa6KtZUATjwdQVSdu5");
