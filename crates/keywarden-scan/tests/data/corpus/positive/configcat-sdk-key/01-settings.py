token = "configcat-sdk-1/k9QLlrfmxM8HjmkTrBR4-b/k9QmlR8dUW3RX2BrDb5rlJ"
