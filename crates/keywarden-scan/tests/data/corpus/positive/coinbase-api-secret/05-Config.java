System.setProperty("COINBASE_API_SECRET", "7qZn4j0FkavZB0fhk56EXkiWePG1hb2G");
