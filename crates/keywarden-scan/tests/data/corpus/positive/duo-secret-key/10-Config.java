System.setProperty("DUO_SECRET_KEY", "7qZSTlyJoQ4AePtPgEuiKRy06yyTeLstt2pHo5gr");
