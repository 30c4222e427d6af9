System.setProperty("AZURE_OPENAI_API_KEY", "551a236dd8fc4167a2afb33d28bd5e6b");
