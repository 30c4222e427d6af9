System.setProperty("OPSGENIE_API_KEY", "6d24a405-3452-c2b6-ccb8-0cd81037c0b1");
