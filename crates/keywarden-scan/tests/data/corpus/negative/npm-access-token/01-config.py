value = "npm_7qaKpwY3JrFi8wmxwjpo0XzeWinpaV1uX3nW"
