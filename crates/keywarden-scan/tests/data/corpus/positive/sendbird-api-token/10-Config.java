System.setProperty("SENDBIRD_API_TOKEN", "c336d044cb2b3ce7ff9eb66181eae746b582921b");
