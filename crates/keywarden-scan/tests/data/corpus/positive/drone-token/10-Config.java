System.setProperty("DRONE_TOKEN", "7qZrfVUd9xUvf8Cu3jt2WK85Zn1v0pWA");
