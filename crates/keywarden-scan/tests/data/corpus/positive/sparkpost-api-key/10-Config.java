System.setProperty("SPARKPOST_API_KEY", "c8d6d61b4630a0c89675a4fc74ccd317fed79c37");
