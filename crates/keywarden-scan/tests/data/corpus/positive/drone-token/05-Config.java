System.setProperty("DRONE_TOKEN", "7qZnPofALl4jV4pu97JuBLDGcJcdeufR");
