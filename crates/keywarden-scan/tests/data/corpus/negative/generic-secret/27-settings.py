  "token": "ACEGmnoq#1rstu2...BDFH3vxwy!4hlm!#5",
