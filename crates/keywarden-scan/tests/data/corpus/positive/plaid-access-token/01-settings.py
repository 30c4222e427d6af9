token = "access-production-cf56d390-00b8-3a2c-9bfb-c9a6c8dbe049"
