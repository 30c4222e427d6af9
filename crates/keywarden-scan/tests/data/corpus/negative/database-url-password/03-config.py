DATABASE_URL=postgres://app@db/app
