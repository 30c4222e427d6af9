System.setProperty("CUSTOMERIO_API_KEY", "20afdf9cb8e245036085cab02b2e295e");
