System.setProperty("NGROK_AUTHTOKEN", "7qZrobcdsWkkgLL1opZHowZRtM0_7qZiYqu1TBihGC0O8feUG");
