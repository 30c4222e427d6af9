token = "access_token$production$0r248c3gauwqhvl4$b2183b4ef9aa8dc27145d74b11502083"
