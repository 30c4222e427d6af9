engine = create_engine('postgresql+psycopg2://app:7qZzBzH7lJmUO8fK@db/app')
