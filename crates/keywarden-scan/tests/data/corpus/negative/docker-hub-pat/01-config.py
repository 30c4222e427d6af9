value = "dckr_pat_k9QqOHu6Ze"
