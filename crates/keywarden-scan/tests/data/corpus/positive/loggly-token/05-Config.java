System.setProperty("LOGGLY_TOKEN", "4d6cfa84-8e22-5f6b-48da-99a12a2527a5");
