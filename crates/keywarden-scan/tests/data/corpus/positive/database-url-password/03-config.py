engine = create_engine('postgresql+psycopg2://app:7qZP3A7IFWGRib06@db/app')
