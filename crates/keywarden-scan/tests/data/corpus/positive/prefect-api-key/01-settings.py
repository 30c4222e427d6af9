token = "pnu_7qZoMvb6NAGoP5xH1Dite2oDUggmLf2dMU8Z"
