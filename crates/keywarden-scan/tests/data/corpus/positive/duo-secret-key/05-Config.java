System.setProperty("DUO_SECRET_KEY", "7qZWzuA9Hhu9fF0gAbzSgWt6gXQzCEuCMbWQi1XJ");
