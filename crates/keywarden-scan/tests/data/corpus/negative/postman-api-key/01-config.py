value = "PMAK-9470e0721e1d9b95cbc88dda"
