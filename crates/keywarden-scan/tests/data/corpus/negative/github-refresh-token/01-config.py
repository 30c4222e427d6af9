value = "ghr_7qakVCO3lRHoNfAtziEUEPe7skFWlP4Eq1TV"
