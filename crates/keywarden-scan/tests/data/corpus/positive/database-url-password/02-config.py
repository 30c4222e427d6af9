url = "mongodb+srv://svc:7qZP3A7IFWGRib06@cluster0.acme-corp.net/db"
