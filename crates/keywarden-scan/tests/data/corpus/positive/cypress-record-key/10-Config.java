System.setProperty("CYPRESS_RECORD_KEY", "dc63b489-fb6f-c36e-0d01-2a70f6e50415");
