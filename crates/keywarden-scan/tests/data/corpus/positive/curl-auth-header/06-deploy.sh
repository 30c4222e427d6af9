curl https://api.acme.io/v1 \
  -H "Authorization: Bearer 7qZPXZuSFqo7wKOJgyU7ISppcmVbRkLq"
