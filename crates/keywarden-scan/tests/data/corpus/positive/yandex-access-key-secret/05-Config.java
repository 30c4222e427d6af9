System.setProperty("YANDEX_SECRET_KEY", "YCk9Qik-YloLvcz3MCRAzZzC6KK4jmSzjHeQuG7A");
