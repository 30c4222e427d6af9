token = "GR1348941k9QLm5q9anyzG6Rv4ttu"
