System.setProperty("AMPLITUDE_SECRET_KEY", "f3e384f7bc780f39b4795206eded8e73");
