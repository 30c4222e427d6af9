System.setProperty("HCLOUD_TOKEN", "7qZNR2yBouEBoU8rwCDtnKuAfJHySTlyJoQ4AePtPgEuiKRy06yyTeLstt2pHo5g");
