System.setProperty("PLIVO_AUTH_TOKEN", "7qZC4FyurtGP1Gxo7gqsLM1vYmUA0QfUDJ38fGDv");
