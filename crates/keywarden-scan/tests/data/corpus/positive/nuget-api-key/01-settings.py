token = "oy2jf967ddlwo2qr5wk96fkfc6g7bt1l5o4952mnd069fm"
