value = "fo1_k9Qw7U3-emV0itqogm4y70kXA79NeiX6nsW8Oyw6fPQ"
