System.setProperty("LINKEDIN_CLIENT_SECRET", "7qZVcyiBRNZ0fg9N");
