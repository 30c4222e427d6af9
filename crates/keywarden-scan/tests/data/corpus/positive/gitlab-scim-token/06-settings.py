token = "glsoat-k9QGbSBheLFVvHEW2_R3"
