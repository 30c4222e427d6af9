System.setProperty("COVERALLS_REPO_TOKEN", "7qZUQbUPrNFCqhswLaxAjcNv7joqj5UCx");
