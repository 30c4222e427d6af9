token = "phx_7qZPTUqNvULCqziFEVdslI11I8bOrL99NZhNMypFRz4"
