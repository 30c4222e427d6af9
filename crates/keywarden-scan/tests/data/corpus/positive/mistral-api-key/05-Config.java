System.setProperty("MISTRAL_API_KEY", "7qZ0GwCS2f9C0vgvZSTbANyz7hSYVDiZ");
