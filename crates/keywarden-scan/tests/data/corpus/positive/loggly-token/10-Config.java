System.setProperty("LOGGLY_TOKEN", "f1112d8f-e734-d753-757e-204cce7154e9");
