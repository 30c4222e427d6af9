value = "dckr_pat_k9QyZXXRaL"
