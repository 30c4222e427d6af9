value = "PMAK-a3b3f4b4b59fcd55ce9152a7"
