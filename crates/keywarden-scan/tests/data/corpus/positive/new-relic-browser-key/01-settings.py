token = "NRJS-9046eafb89f9fa282b6"
