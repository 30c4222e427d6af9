token = "p8e-k9QiraspeGL-kCPh3Qez8AxrhtoKdM4g"
