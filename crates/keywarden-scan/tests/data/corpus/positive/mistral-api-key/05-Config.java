System.setProperty("MISTRAL_API_KEY", "7qZem0PqGlU20NOCpaxDgYHtySR6Wdrt");
