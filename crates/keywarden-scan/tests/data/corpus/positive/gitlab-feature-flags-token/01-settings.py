token = "glffct-k9QV-XmxcA_d2Dzjclix"
