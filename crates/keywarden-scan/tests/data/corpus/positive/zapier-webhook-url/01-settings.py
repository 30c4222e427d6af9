token = "https://hooks.zapier.com/hooks/catch/7811275/xm9yrm9"
