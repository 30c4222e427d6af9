value = "sq0csp-k9QePOS4vZwGzQv_ldtcB05zma1eSPUXDq1yVwVVXoR"
