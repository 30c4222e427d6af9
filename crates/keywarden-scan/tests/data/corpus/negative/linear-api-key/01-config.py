value = "lin_api_7qZBdIiP1eMKhu3aKMIs"
