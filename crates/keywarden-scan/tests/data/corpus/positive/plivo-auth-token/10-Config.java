System.setProperty("PLIVO_AUTH_TOKEN", "7qZwhz3gU7TY33pHemW9QiSVCVvRFoNqLJcWoXBk");
