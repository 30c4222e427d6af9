token = "secret-live-k9QTI7VF0X_DwoAjSupQlf9DcxO9NoGy13nv"
