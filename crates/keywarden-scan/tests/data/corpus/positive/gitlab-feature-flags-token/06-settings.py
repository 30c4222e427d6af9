token = "glffct-k9QnoNn5kKV1Pctt15fA"
