System.setProperty("TRAVIS_API_TOKEN", "k9Qt2xVGHaMK4jCefJbuVd");
