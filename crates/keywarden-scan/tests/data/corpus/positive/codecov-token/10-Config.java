System.setProperty("CODECOV_TOKEN", "dc57a5e7-64fc-ac14-2751-5b19d2ec8748");
