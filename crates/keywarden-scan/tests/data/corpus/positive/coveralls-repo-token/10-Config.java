System.setProperty("COVERALLS_REPO_TOKEN", "7qZbk3r0FbghxzCwJwAUwA0lhHDIVKVw4");
