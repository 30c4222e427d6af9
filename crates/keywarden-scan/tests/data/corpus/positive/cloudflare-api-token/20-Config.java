System.setProperty("CF_API_TOKEN", "k9Qhai8A9wA9y7_9OzJtfdHvCuLW0GAnjZFT7J5b");
