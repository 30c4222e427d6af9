System.setProperty("KRAKEN_API_KEY", "k9Q/E+UvIKzB1sYvslZfBCBbAP8HweO6yoTyzn255HK2lsM4KDQYcLXm");
