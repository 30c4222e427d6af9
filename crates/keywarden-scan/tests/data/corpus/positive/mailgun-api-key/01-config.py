value = "key-fe048f12ff7742cee9e438dd73f0ad28"
