token = "amzn.mws.d35c01c7-021a-a990-428b-20bc8a905097"
