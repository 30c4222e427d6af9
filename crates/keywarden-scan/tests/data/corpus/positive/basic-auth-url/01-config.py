git clone https://deploy:7qZXFagrV1SVMslaFXG4@git.acme-corp.io/repo.git
