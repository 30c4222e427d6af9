System.setProperty("HCLOUD_TOKEN", "7qZlfftU8ynRS2igAWFeMfoQMf2ukqSrwOtwaKB2pEfgRRzlHi43UKj2ZRhmWC5T");
