System.setProperty("STABILITY_API_KEY", "sk-7qZzmnWQ2B1rf8Fbu2EmtOWkBULI0cvpzUwNBv77yMn12SwM");
