System.setProperty("KLAVIYO_PRIVATE_KEY", "pk_08fa348c2e53373058adb0981ee28aeaad");
