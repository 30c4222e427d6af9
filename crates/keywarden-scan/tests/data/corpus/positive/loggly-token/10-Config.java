System.setProperty("LOGGLY_TOKEN", "770f65ee-6132-f98a-e917-28205f65874a");
