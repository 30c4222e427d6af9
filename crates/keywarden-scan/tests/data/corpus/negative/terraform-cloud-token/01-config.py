value = "7qZo39eB3P6dtR.atlasv1.k9Q5553sLh"
