System.setProperty("RAILWAY_TOKEN", "235aac33-17bd-3335-4701-17bde1f7ae52");
