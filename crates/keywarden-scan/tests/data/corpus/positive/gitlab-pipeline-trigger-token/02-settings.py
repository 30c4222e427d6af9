token = "glptt-k9QVKO0e-v4KrNEnHOBq"
