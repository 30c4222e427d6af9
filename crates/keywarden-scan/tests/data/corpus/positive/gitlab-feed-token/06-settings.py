token = "glft-k9QkuAOuyfXv53GAtFx3"
