value = "gho_7qafrLi64pw0Q10zfASgeROmXgvLP22QIfo3"
