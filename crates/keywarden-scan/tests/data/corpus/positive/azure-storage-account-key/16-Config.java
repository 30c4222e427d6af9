System.setProperty("AZURE_STORAGE_KEY", "k9Q/VPjIapDrp6fFI5sFx63TzvANzTklvQ7/GBhMKnSUR5YbWWv/kK24HZphQ2OQtrdU4hnxtiPoOmxRy7vlbP==");
