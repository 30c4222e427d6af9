System.setProperty("MAILGUN_API_KEY", "6d6c42743cfda6b995e3eeca6f5d105e-53b9d704-1ab6d5bb");
