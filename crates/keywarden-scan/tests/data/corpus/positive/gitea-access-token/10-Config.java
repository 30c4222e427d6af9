System.setProperty("GITEA_TOKEN", "10b2807efec72f2ad42e7d939fc8b20b61989456");
