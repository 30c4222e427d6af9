System.setProperty("RAZORPAY_KEY_SECRET", "7qZ3iXYFBtMYKQErvnPa6EAk");
