value = "pul-9b0ce627b17cfd7a2f8d"
