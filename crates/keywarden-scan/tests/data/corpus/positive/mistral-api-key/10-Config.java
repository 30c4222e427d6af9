System.setProperty("MISTRAL_API_KEY", "7qZkACxg7xZBeIllsXCaJEDP6DrAMSU8");
