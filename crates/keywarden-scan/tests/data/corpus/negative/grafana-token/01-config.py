value = "glsa_7qZmbdNIAhpMfufvr2tovINGdjql6LLd"
