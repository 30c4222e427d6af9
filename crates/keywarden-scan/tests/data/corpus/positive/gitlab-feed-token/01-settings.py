token = "glft-k9QC1JzNyqyIUe00AR99"
