token = "glptt-k9QOmGf3npm7pfZxlk9r"
