System.setProperty("AZURE_DEVOPS_PAT", "2nena6a2ol3kz3jv6vtiirbg2blmnfn42rbcjhdgvlzjf6drbm6b");
