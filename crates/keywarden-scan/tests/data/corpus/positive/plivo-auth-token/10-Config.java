System.setProperty("PLIVO_AUTH_TOKEN", "7qZH9FCQkeo3aqBYfjZnbuPiErfVUd9xUvf8Cu3j");
