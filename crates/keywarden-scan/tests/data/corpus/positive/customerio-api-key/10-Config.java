System.setProperty("CUSTOMERIO_API_KEY", "6d61b4630a0c89675a4fc74ccd317fed");
