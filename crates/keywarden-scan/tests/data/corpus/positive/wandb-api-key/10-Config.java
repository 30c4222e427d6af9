System.setProperty("WANDB_API_KEY", "0c63375116060b0e6e9a9c23b91ff87f64fce794");
