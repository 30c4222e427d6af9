System.setProperty("OPSGENIE_API_KEY", "89a163ab-9846-9988-3f49-efea7b8a81c3");
