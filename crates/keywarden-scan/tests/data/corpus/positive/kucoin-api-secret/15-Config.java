System.setProperty("KUCOIN_API_SECRET", "994681da-2a93-4fae-9f6e-8a53d3f0ccc4");
