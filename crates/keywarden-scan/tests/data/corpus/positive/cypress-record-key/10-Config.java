System.setProperty("CYPRESS_RECORD_KEY", "05f65874-aed0-1aa0-6667-3096f06d24a4");
