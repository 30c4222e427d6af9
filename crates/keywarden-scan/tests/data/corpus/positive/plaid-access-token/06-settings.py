token = "access-production-f9d3d81e-096f-d5ec-afe3-78f134acf695"
