System.setProperty("MISTRAL_API_KEY", "7qZstt2pHo5grobcdsWkkgLL1opZHowZ");
