value = "sntryu_77a3d61cf0297d2f78a6"
