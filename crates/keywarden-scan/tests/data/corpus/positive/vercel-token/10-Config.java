System.setProperty("VERCEL_TOKEN", "7qZgmAWQqmNPVaEim8pJPhNs");
