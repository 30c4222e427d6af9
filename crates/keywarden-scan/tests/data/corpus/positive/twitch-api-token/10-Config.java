System.setProperty("TWITCH_CLIENT_SECRET", "6u4tsness9cmzc2v6yexxaqpeegnm8");
