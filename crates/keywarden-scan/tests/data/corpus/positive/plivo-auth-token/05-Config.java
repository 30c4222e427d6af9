System.setProperty("PLIVO_AUTH_TOKEN", "7qZ0GTmcSBiWbi9SXo1GM1OxynPofALl4jV4pu97");
