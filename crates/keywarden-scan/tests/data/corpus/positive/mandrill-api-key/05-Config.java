System.setProperty("MANDRILL_API_KEY", "k9QezbrFPnC78gP9D52yms");
