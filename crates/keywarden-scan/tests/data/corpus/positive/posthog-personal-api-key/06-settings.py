token = "phx_7qZjp6QknjuOowo2Owks4FAbgSV7YQKb4qJP6KoYteA"
