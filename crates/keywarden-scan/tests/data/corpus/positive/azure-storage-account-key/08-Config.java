System.setProperty("AZURE_STORAGE_KEY", "k9Q/5u1uFlwY/X5iWJnLSsxqJlTw6B//5e8yxdTRrIEW50sMRcr6h5k4Pz39L8GxIkVM+uZbxpw6JAMvl0+EOS==");
