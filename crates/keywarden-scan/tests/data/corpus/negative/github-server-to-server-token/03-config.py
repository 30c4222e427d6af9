value = "ghs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
