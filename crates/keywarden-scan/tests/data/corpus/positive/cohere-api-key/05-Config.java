System.setProperty("COHERE_API_KEY", "7qZzUwNBv77yMn12SwMDVmSQTmikskkTMQAyTTJQ");
