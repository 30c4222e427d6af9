token = "squ_460d06ef7bfb81599c60d0dde512be0469046eaf"
