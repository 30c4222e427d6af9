token = "pnu_7qZGYIlvAXXkZnO7ofH8r0rB7cwsrVroCT19"
