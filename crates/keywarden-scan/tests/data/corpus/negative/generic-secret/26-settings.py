  "PurchaseToken": "eyJ2IjoiMSIsInMiOjEsImMiOi..."
