System.setProperty("ROLLBAR_ACCESS_TOKEN", "12dac45f92d2fdc33f9ef8334c9be6df");
