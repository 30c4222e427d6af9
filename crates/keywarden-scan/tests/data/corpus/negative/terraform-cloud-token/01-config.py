value = "7qZWG3cxC0T6Ak.atlasv1.k9QHO9LYvT"
