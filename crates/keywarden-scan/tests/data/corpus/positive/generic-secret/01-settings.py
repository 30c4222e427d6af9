api_key = "7qZFQduJzKXwZFBxYrOwoB35sa5zI0MY"
