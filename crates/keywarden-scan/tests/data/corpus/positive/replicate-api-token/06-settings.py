token = "r8_7qZSnuG85ZCcaqzoXhA54QLzIVl2whxejAmst"
