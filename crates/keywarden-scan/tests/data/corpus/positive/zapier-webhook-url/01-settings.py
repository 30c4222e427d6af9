token = "https://hooks.zapier.com/hooks/catch/7079716/t2hx0dv"
