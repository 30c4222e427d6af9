System.setProperty("RAZORPAY_KEY_SECRET", "7qZ4O0iHi1pYRug8fNaIo41H");
