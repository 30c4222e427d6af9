value = "ghu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
