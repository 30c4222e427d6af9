System.setProperty("KUCOIN_API_KEY", "635f91f2c089e1fcdd92b538");
