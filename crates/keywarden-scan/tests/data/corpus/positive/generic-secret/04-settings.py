const clientSecret = '7qZFQduJzKXwZFBxYrOwoB35sa5zI0MY';
