"auth_token": "c9c3807663548c5ccff55cfc8fcc2f1509c64af3",
