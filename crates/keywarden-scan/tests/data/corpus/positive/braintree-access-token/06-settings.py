token = "access_token$production$qalef3ikp1yi3cdd$46db2ca1a922fadf99db789f5e9c4692"
