url = "mongodb+srv://svc:7qZzBzH7lJmUO8fK@cluster0.acme-corp.net/db"
