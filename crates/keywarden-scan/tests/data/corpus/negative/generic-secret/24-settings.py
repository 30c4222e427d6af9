STRING: TokenType = native_token_type.STRING
