VERCEL_TOKEN = '7qZobcdsWkkgLL1opZHowZRt'
