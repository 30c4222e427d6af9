System.setProperty("RAILWAY_TOKEN", "a5cf101e-a284-5e4e-fc8d-658fe588fe52");
