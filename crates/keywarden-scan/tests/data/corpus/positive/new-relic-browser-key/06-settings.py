token = "NRJS-01ce73d047ca8ab9b2a"
