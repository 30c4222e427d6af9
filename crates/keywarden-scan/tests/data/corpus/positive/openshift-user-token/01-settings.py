token = "sha256~k9QfzEHzPoQHV16JLj30FVtTeSQCg4M4lp8_GwebwFv"
