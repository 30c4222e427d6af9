System.setProperty("DRONE_TOKEN", "7qZxQdx9HOZ8DZzlcLFNERVTeIHqn6he");
