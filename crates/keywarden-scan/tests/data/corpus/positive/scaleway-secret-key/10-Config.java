System.setProperty("SCW_SECRET_KEY", "cc7b3f4b-1697-0206-46b8-65e1ee2d17b9");
