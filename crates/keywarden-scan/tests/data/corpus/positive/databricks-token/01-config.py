value = "dapi8cb5c90320231da8a53f69aecc6f3077"
