value = "sk_live_7qZt7IBaXOh1ihlo1jhRU54z"
