System.setProperty("TWITTER_CONSUMER_SECRET", "7qZava4rs22oZR4UabQ1wwuKBQfpHQnnXfO8htosKXrl3J7kKc");
