System.setProperty("MANDRILL_API_KEY", "k9Q2oZiCV3WsbjPfWgaSuz");
