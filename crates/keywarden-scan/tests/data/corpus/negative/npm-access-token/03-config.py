value = "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
