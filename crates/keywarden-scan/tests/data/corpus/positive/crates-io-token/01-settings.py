token = "cio7qZDRxq8srFXW3x5a6HMD9NTmuG5lbv8"
