value = "dckr_pat_k9QAS0mmD2ZA5JLDbl3B_aTJdpF"
