System.setProperty("MAILJET_API_SECRET", "6a8ebcc0af99c279b2b9c8f544458741");
