System.setProperty("BITLY_ACCESS_TOKEN", "3fb9ffae92dc776be32d36d20b04c1191fbe5878");
