System.setProperty("COHERE_API_KEY", "7qZ72cB0nRuPBXAnFxbjRoh2ltOvW5HlnfF4xt96");
