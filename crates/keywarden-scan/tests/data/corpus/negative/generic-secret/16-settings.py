    "PolicyUpdateToken": "Zq81mKd0PxT4vRn7Lw2s9YbC",
