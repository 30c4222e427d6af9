System.setProperty("LOGGLY_TOKEN", "5ca7c95d-e14e-186a-4563-5fe78c5746b3");
