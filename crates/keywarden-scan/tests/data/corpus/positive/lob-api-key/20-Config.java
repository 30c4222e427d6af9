System.setProperty("LOB_PUBLISHABLE_KEY", "test_pub_7ef3b0e5b1053975fa5a98befd1a86e");
