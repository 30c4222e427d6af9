value = "dckr_pat_k9QjPbPh4Cn-K73AJH2da_-v34D"
