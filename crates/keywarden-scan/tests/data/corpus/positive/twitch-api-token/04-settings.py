TWITCH_CLIENT_SECRET = 'zodgd5slkoz6unof4hj898sz9rop0b'
