value = "lin_api_7qZvSm9vIkWS3Ll44oy5"
