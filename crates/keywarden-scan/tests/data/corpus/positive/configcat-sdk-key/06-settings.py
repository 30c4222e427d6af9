token = "configcat-sdk-1/k9QdBECz5cBbIMYLBGVmJl/k9Qi0PaC8wccAJprpt06jU"
