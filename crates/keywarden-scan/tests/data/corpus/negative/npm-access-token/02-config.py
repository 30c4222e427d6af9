value = "npm_7qZKpwY3JrFi8wmxwjpo0XzeWinpaV1uX3n"
