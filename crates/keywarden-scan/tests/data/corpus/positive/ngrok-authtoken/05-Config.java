System.setProperty("NGROK_AUTHTOKEN", "7qZeXAMTN2w57EWeJiv1k7qataN_7qZST8pRICKpDy6tdc9Yb");
