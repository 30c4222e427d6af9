System.setProperty("MAILJET_API_SECRET", "53b9d7041ab6d5bb9bc633f322576ff1");
