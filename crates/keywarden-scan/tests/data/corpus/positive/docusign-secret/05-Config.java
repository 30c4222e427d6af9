System.setProperty("DOCUSIGN_CLIENT_SECRET", "454daa45-be80-c8f0-836d-ebc7a2c07cf6");
