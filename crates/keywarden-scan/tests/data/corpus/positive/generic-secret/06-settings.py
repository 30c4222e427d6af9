db.Password := "7qZeNcR2UlivOfD34u9KNiLO"
