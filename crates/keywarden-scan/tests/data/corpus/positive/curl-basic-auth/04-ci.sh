curl -sS \
  -u deploy:7qZTZMUXBIJdMQww \
  https://x.io
