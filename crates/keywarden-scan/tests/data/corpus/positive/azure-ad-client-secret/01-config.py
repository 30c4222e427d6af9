value = "7qZ8Q~k9Qu72-Cuscdt0082ycPyaO5Gb4y5-rZUL"
