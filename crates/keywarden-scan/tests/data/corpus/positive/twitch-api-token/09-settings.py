TWITCH_CLIENT_SECRET = '5vdh4q5bu3kmufdiztfembs2jyv5xb'
