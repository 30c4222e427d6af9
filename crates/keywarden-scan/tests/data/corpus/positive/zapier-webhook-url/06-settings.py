token = "https://hooks.zapier.com/hooks/catch/7166200/5px8eci"
