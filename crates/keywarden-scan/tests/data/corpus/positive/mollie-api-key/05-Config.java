System.setProperty("MOLLIE_API_KEY", "live_7qZWOejLCYCNvQ1efbuzVUd5Yx9hwS");
