token = "cio7qZ8Xoe6Wz5XaCFbyKz2RXiOkA4uvArI"
