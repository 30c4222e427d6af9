    token_type = 'bare-quoted-string'
