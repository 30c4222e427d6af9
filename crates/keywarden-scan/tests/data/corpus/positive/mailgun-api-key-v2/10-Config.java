System.setProperty("MAILGUN_API_KEY", "c39b1ac1e8ac7d76aa62fec05baa02c8-cc63a8f6-d13a2c0a");
