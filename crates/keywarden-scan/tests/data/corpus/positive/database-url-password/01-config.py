DATABASE_URL=postgres://app:7qZzBzH7lJmUO8fK@db.internal:5432/app
