System.setProperty("PLIVO_AUTH_TOKEN", "7qZ4fcpbEqOhUCuLa5qifUJTDAEzKyfmhHpmFK4a");
