value = "dp.pt.7qZ58tfv3JmAOLKVUNubYKJXPMZfQki1rxyUbNkyz2c"
