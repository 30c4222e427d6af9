token = "figd_k9QOT2g3-5_jZx60pN6biQBSb90rs0Gt_yYhQIkI"
