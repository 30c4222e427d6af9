System.setProperty("COHERE_API_KEY", "7qZDtnKuAfJHySTlyJoQ4AePtPgEuiKRy06yyTeL");
