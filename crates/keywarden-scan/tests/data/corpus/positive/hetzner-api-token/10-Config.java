System.setProperty("HCLOUD_TOKEN", "7qZrbNzt3If4LZauGgKopjQG4yV6QX166IhTUGTcLzx4NU0ls2E0D4nZ3ctMs3hq");
