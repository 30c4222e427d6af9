System.setProperty("WANDB_API_KEY", "989456e3bf4cbf0df9d284762e7a195ba38ffee8");
