curl https://api.acme.io/v1 \
  -H "Authorization: Bearer 7qZVMlQPXGFHFZ0JwzVygLDOqRT3FcKq"
