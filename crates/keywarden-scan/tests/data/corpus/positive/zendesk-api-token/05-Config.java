System.setProperty("ZENDESK_API_TOKEN", "7qZHieQcl2zJnnb6mgVA5HMzQ0nbkr8bqQz5vVEW");
