value = "sbp_6f12cb3ef5415f71accaf64c17e83771ea61217c"
