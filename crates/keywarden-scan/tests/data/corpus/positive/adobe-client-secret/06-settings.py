token = "p8e-k9QKbClbzCSJknJmjYbVVNhFeTQzwfua"
