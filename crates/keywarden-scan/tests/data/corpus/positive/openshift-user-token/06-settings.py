token = "sha256~k9QfqhRVez8xG8rLHR4bG9ul-qefRN5eNHjeYONlbx9"
