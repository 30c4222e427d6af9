curl --user=deploy:7qZNqMyzmZEGRGB4 https://x.io
