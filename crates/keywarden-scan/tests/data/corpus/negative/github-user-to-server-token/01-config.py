value = "ghu_7qah3z8iP42MSFbZJNwJ3MBn6Nqvcl0PW6yk"
