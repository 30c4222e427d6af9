token = "cio7qZWKbHvYSNHdYJAbEJDocPks7kAhpUY"
