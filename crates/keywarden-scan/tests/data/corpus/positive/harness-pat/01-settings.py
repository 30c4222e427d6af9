token = "pat.k9QMaxTpPXvRQp4QoB2kOO.2824e8eeb44b3737866dc3ef.7qZAi2RKsTfeucZLxthK"
