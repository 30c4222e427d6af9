token = "CFPAT-k9Qf7OisxsA2P3dnqTG9ngXnBtLKAGuLeM7vULMzm8H"
