System.setProperty("WANDB_API_KEY", "eca101eb8569f966829c65f07c5097a5b53d7c41");
