token = "configcat-sdk-1/k9QSh4eQ_NBivfqyfpFZsG/k9QhlXOQaxJVwsfcdR-lM_"
