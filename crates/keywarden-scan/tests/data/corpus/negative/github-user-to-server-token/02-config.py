value = "ghu_7qZh3z8iP42MSFbZJNwJ3MBn6Nqvcl0PW6y"
