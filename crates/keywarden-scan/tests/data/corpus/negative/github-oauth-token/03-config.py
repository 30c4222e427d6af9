value = "gho_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
