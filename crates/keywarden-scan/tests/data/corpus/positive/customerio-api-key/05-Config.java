System.setProperty("CUSTOMERIO_API_KEY", "67ff08654f7458ddc9487ea30bc9b85c");
