token = "oy2dfn0jt8gf409kuolr1gz1h8zjzt9ibja63rwucft37j"
