token = "secret-live-k9Q2-k17jSRk-yRmYwT_Y2XY-UadPw9NCV5_"
