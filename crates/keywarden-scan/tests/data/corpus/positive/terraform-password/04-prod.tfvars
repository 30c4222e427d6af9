  admin_password = "7qZZQJ5VZDnuj4!"
