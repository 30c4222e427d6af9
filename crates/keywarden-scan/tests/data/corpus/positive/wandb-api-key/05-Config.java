System.setProperty("WANDB_API_KEY", "ed61d6c9e5baa83ec2fad2c307596a96c7ef1763");
