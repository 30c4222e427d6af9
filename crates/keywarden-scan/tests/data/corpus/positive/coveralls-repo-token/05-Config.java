System.setProperty("COVERALLS_REPO_TOKEN", "7qZMwVfcEYAUlg2fYd29e1ImaWjkpwm3k");
