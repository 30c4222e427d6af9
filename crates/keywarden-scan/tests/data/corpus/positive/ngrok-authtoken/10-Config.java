System.setProperty("NGROK_AUTHTOKEN", "7qZwvBaWHsk5QB1IpIErnfQbvLt_7qZibgNR2yBouEBoU8rwC");
