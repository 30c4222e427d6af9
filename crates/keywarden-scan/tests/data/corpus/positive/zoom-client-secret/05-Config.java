System.setProperty("ZOOM_CLIENT_SECRET", "7qZLhw8mhfVwEnYPXP3O3YBUzHlklHmb");
