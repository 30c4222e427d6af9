token = "duffel_test_k9QPsyX4-mKIuKbt-aK9QKG1fc3hQjKq32axUEBpqoK"
