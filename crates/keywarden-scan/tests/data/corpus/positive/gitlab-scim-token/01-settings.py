token = "glsoat-k9Q9ATMLsAqYMzO7KH5D"
