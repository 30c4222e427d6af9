token = "glimt-k9QdIleOpctULeXXDMGwNElkV"
