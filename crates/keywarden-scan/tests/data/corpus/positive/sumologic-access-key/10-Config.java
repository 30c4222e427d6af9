System.setProperty("SUMO_ACCESS_KEY", "7qZ7FUbdvJhGtS0mtvGN9XNxYNIkOzie3icGtLOg0aOWzslXCVL9bpjThIvcjoOX");
