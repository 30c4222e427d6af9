db.Password := "7qZP4liFf5ltgBn4J8S6IAWx"
