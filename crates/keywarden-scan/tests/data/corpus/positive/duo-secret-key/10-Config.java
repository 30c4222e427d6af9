System.setProperty("DUO_SECRET_KEY", "7qZteXKh2aPri3YD4oIX1spfaSuX5BMI2GXheDqx");
