value = "ghr_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
