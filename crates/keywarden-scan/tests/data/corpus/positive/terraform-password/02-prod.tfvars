  admin_password = "7qZ2gdt34SKneT!"
