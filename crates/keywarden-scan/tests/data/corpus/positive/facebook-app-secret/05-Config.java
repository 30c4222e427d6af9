System.setProperty("FACEBOOK_APP_SECRET", "53a3dd8f7aeee07f00aaac156078eaea");
