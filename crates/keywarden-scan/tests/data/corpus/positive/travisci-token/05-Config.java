System.setProperty("TRAVIS_API_TOKEN", "k9QVVqzDE3kX2y_p_RZ6Eb");
