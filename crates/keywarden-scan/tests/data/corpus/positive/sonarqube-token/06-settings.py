token = "squ_c3c0f6bcc37c0340a4b4adb481aee57b7c1b7f2b"
