System.setProperty("WANDB_API_KEY", "a1196852f70ca53e3c89cbe09c3334d2a17f6a18");
