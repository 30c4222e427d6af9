System.setProperty("KLAVIYO_PRIVATE_KEY", "pk_a922fadf99db789f5e9c46921d51d7ded2");
