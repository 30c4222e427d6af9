System.setProperty("KUCOIN_API_KEY", "95433528ecbb68897941dcd6");
