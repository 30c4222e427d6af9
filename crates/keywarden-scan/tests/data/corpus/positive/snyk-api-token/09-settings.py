SNYK_TOKEN = 'ac1caebc-9ba1-6c5a-bead-de17e51737e9'
