System.setProperty("CIRCLECI_TOKEN", "c4d7bef9959c399eada5612a5237f2425d4a9e60");
