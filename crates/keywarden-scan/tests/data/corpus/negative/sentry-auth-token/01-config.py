value = "sntryu_963965cf100073d5445a"
