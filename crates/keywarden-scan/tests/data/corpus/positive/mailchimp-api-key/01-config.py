value = "13eefee212e23ce19501f9fa0346d72d-us6"
