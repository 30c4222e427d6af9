System.setProperty("MISTRAL_API_KEY", "7qZEvfhoEU59c49AQ1JzD7a17uSVASUp");
