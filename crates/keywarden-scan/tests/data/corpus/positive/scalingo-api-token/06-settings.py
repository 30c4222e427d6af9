token = "tk-us-k9QpP0prnscoYeUyRAk5zZDxNhKABPk9CVmlymDzuPhgNt9u"
