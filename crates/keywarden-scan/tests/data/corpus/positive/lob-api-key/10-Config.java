System.setProperty("LOB_PUBLISHABLE_KEY", "test_pub_8731d84426557e10335de88baa500de");
