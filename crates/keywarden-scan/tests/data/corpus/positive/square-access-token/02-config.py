value = "sq0atp-k9QJ7QCaiAXibJyCgptsYc"
