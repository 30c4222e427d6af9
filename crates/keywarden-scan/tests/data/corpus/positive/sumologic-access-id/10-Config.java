System.setProperty("SUMO_ACCESS_ID", "su7qZ8KzvbnNgB");
