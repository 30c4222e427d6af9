token = "rnd_7qZkchj2dzZZUZxtFlnecX6MnP28pFgE"
