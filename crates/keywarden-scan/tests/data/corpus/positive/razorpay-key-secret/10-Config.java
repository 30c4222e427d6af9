System.setProperty("RAZORPAY_KEY_SECRET", "7qZ6Sfl6uYHQiDHgrXR783ip");
