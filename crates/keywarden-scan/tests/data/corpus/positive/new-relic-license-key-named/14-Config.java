System.setProperty("NEW_RELIC_LICENSE_KEY", "93067c99f714cff8ae17ea4e22a1ccdb97342b88");
