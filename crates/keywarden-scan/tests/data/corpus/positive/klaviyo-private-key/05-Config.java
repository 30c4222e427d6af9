System.setProperty("KLAVIYO_PRIVATE_KEY", "pk_74b2122d6e287c0cb14269f4ffbc249d77");
