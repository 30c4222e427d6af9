git clone https://deploy:7qZx41rtEXRyUuwvhn1N@git.acme-corp.io/repo.git
