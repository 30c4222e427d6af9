SUMO_ACCESS_ID = 'su7qZcZihuNj7d'
