System.setProperty("ZOOM_CLIENT_SECRET", "7qZZ89C1ClgRLm0bWIjCHVIuPzSQbir4");
