System.setProperty("AMPLITUDE_SECRET_KEY", "3fc7c4ff1ff755eff9803102f874f9a2");
