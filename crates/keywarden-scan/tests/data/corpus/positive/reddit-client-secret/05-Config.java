System.setProperty("REDDIT_CLIENT_SECRET", "k9QGafgbdGk3DnRmcvJPc-Dx9NSi60");
