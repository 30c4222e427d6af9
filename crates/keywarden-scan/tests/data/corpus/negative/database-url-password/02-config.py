DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
