System.setProperty("SMARTSHEET_ACCESS_TOKEN", "7qZvLeFk6xi3sfdYi1reKSQRwfJop4yIIrmdY");
