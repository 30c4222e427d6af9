token = "ico-7qZx5pHjhjR7lsQo9aWTZpXeS0J99cKv"
