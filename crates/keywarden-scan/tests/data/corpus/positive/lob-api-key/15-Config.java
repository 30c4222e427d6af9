System.setProperty("LOB_API_KEY", "live_3bf118c62840c9f6555297e8af172cc73aa");
