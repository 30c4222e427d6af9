System.setProperty("RAZORPAY_KEY_SECRET", "7qZd5Yx9hwSPdXNM0lGKcHDf");
