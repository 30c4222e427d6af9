DATABASE_URL=postgres://user:password@localhost/db
