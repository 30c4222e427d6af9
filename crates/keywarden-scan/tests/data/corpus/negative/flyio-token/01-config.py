value = "fo1_k9QT_8eeYt"
