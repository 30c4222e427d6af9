token = "cio7qZNG5tz1vZN8nxDiyUe3KH9mpKXMTxA"
