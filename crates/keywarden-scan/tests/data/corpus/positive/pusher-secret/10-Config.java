System.setProperty("PUSHER_APP_SECRET", "79c373f459dac00e58ce");
