System.setProperty("CYPRESS_RECORD_KEY", "4c9be6df-7fae-e9bb-d838-3fb3c1d7e679");
