System.setProperty("POSTMARK_SERVER_TOKEN", "ec5f0582-c9d2-8d81-2371-230eaae056c0");
