DATABASE_URL=postgres://app:<password>@db/app
