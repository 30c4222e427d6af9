token = "configcat-sdk-1/k9QCSTJJv6Xd7FSPSadJN0/k9QPPspsTMrqzT358WRBmu"
