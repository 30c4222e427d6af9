System.setProperty("TWITTER_CONSUMER_SECRET", "7qZN87YlOXxZfkzyc7LRC2oTMpFlEMYnjysdzoDeztm8zGh2Vp");
