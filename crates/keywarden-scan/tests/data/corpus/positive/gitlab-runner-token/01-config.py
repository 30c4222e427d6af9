value = "glrt-k9QRiWznEkE9TmunH9xP"
