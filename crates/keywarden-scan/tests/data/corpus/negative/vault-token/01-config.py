value = "hvs.k9Q2VOTM39GckoL_YmYHgTtj"
