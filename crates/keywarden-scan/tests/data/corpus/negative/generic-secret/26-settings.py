secret = "aaaaaaaabbbbbbbbaaaaaaaabbbbbbbb"
