password_file = "/etc/app/password.txt"
