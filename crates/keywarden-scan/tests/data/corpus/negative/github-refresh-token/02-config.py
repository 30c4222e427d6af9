value = "ghr_7qZkVCO3lRHoNfAtziEUEPe7skFWlP4Eq1T"
