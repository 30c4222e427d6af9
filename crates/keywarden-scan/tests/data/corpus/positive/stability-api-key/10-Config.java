System.setProperty("STABILITY_API_KEY", "sk-7qZqtOKmL8Pr2R2uoC2Pr3ejmAEuwiYPFEFN8bmuxvgFUguy");
