System.setProperty("BUGSNAG_API_KEY", "31b248d3fe5e87eba50197d958545b08");
