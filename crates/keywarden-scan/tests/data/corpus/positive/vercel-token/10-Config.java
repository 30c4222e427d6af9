System.setProperty("VERCEL_TOKEN", "7qZk48FOje6OAEQDlKDKrAcP");
