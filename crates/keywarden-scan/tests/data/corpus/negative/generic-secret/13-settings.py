token_type = "7qZFQduJzKXwZFBxYrOwoB35sa5zI0MY"
