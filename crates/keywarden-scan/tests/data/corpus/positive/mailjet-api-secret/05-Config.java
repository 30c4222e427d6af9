System.setProperty("MAILJET_API_SECRET", "ccfe6389a5dd49fd31f407b2019c126d");
