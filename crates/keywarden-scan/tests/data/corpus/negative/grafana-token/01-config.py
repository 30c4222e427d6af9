value = "glsa_7qZjk0IBoJfgW2dbcot1scNIgqgF7co9"
