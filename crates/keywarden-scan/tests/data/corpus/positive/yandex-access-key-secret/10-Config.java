System.setProperty("YANDEX_SECRET_KEY", "YCk9QVevmjT0bQjEFm5sf6S3L4s71-fAuGTopQhV");
