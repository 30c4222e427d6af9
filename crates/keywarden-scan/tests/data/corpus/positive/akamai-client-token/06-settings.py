token = "akab-wop2d0gmub4svs66-fvzqaxrgrkm3hd4d"
