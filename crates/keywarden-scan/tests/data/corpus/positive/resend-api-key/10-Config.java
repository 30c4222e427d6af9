System.setProperty("RESEND_API_KEY", "re_7qZ3Ui1O_7qZoQEkJCXxIq1VDo9Mkbr0W");
