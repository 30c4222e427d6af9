System.setProperty("OPSGENIE_API_KEY", "b9d1832d-7ca9-a061-e243-8c51fccebfda");
