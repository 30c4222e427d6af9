System.setProperty("MAILJET_API_SECRET", "3f459dac00e58cefe42791f8f9ba6b84");
