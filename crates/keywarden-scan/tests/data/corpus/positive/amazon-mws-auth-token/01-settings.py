token = "amzn.mws.7f3507b8-9e94-56d0-8380-e35d4be87fb6"
