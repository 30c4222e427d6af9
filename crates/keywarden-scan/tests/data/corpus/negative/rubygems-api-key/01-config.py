value = "rubygems_cc2f1509c64af3fa5265"
