token = "pat.k9QWisxj4U8vuUyhQcNnm8.2a42a90fa05e9e5b7af67312.7qZIzgzR4xXKc22c5TC9"
