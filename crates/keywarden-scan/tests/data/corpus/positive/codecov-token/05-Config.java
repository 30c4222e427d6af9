System.setProperty("CODECOV_TOKEN", "58545b08-12da-c45f-92d2-fdc33f9ef833");
