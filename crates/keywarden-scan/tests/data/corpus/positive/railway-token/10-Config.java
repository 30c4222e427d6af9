System.setProperty("RAILWAY_TOKEN", "3d6fecff-fcad-e078-7be0-0ebb507c4b36");
