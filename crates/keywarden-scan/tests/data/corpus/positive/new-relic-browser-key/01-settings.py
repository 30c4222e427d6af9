token = "NRJS-0084acc0ce342726a04"
