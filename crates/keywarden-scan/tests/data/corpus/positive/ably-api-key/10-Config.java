System.setProperty("ABLY_API_KEY", "k9Qauu.k9QuGr:k9Q7ynqhTT0nC9RlnLcXhTdrnBTogJV5_uXZOfo2ZPn");
