System.setProperty("CYPRESS_RECORD_KEY", "a65fd9a2-b267-8104-5cd0-2c7dca344e66");
