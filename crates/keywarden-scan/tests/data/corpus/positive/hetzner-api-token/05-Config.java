System.setProperty("HCLOUD_TOKEN", "7qZpRICKpDy6tdc9YbuYT3kGyFqvaqJ5m6YX93lzfc1mKWX6kbv9Vx6EvfhoEU59");
