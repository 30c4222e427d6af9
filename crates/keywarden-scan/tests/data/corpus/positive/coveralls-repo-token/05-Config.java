System.setProperty("COVERALLS_REPO_TOKEN", "7qZHGZOa9sWQ9FDhdO3a3zj6ZhjzkJyGV");
