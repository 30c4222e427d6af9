value = "pul-0d445acccaff38602558"
