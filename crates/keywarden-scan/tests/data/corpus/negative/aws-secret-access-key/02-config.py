aws_region = k9Q/3a+3IF1mhCO9mxg42TlWYlPM394nsirGCIFP
