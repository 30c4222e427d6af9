value = "https://discord.com/api/webhooks/790240987720014862/k9QGMkTybgNFhz2fdHqUOTbmCfGaJ7QCaiAXibJyCgptsYcGjc1hnIxrSap0dh_nH5od"
