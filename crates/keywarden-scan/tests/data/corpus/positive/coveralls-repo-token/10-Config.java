System.setProperty("COVERALLS_REPO_TOKEN", "7qZMdDrHZFeU79pg7KAfYUj3wsVVonlKH");
