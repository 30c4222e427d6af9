token = "re_7qZ3Ui1O_7qZoQEkJCXxIq1VDo9Mkbr0W"
