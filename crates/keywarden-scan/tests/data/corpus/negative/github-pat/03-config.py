value = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
