token = "LTAI7qZmCIr0TZbQsa5Vu4Ox"
