System.setProperty("LOB_API_KEY", "live_f3c7c1d9016f8e3fe8a8755192f8e4eef89");
