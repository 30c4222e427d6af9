System.setProperty("DRONE_TOKEN", "7qZCF574KrgrztFA2MEqFvBXHBTQOIwM");
