token = "secret-live-k9QNecWtbXVzSoaN1q-a4YmwdDRKsnimeFAn"
