value = "nfp_7qZ32Uz6tX3YN4RYnCIk"
