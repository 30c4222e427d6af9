System.setProperty("DUO_SECRET_KEY", "7qZBnnbwRotdsQjXdOpmlzcNtIrolrrAb2e9P7tQ");
