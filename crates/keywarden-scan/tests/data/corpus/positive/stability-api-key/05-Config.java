System.setProperty("STABILITY_API_KEY", "sk-7qZSR6Wdrt34MOLKthPz0H0plHGbx4snC4FyurtGP1Gxo7gq");
