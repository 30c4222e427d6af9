System.setProperty("MAILGUN_API_KEY", "129a679f8cc78f8336ce79721e0bb4f5-6a8ebcc0-af99c279");
