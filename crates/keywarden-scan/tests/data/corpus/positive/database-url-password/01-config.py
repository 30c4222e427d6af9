DATABASE_URL=postgres://app:7qZP3A7IFWGRib06@db.internal:5432/app
