System.setProperty("NGROK_AUTHTOKEN", "7qZ3K175X49BnctFzmnWQ2B1rf8_7qZFbu2EmtOWkBULI0cvp");
