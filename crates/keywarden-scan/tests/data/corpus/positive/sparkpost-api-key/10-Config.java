System.setProperty("SPARKPOST_API_KEY", "bce019276d6c42743cfda6b995e3eeca6f5d105e");
