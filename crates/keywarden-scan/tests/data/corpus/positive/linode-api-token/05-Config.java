System.setProperty("LINODE_TOKEN", "7e452fed22efdc097dd07539fb651e90675ecd4c8b3c16ba28f31039b6aec24f");
