curl -sS \
  -u deploy:7qZUB4C71fldJCzN \
  https://x.io
