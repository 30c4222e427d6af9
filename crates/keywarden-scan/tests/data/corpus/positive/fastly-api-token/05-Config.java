System.setProperty("FASTLY_API_TOKEN", "k9Qnjjft5gdBf6jkQ2sbXposKTEoHQTE");
