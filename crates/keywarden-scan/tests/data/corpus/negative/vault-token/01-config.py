value = "hvs.k9Q5tzHDbLA3h3F4xKx5fVyD"
