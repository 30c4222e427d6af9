value = "ntn_7qZnUhqyOtmKBWe0aGe5"
