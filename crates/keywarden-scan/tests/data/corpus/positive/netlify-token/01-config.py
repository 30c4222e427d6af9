value = "nfp_7qZybIYAWyy7NihUSiSB7xsWU8b0YSK2tKw9"
