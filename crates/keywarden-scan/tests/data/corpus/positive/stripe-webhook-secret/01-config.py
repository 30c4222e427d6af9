value = "whsec_7qZPEsbr75og57Ag8JjNEsWS1JZr6kES"
