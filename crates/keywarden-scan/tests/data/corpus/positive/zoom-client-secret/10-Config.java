System.setProperty("ZOOM_CLIENT_SECRET", "7qZYEaZnCxLhnqj9E3AGiPzljkNKHkYL");
