token = "oy2ys54hob0la5k1viiu4147d057wom8x3rvb75xpgdj1x"
