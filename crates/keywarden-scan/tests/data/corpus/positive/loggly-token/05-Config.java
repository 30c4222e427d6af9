System.setProperty("LOGGLY_TOKEN", "eec7072f-c5d5-b1e8-92ad-831164459c96");
