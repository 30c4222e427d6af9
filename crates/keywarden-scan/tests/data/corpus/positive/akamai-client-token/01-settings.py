token = "akab-kaw78twifn6thjsb-jf967ddlwo2qr5wk"
