System.setProperty("CF_API_TOKEN", "k9QR5bgAueNQPVIS342qSyFChHKeExDirQ3hM2N9");
