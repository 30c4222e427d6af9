curl --user=deploy:7qZdZXFOp6dH7Bib https://x.io
