value = "fo1_k9QG4gMDfD"
