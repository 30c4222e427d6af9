token = "squ_a1895b4c7999b53a73de08996ccbd32af16cb714"
