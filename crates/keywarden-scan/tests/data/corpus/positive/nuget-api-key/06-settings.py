token = "oy2fvzqaxrgrkm3hd4dhie8ussch6uzlgi6cudmpg44gji"
