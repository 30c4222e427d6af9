value = "pk.eyJk9QDrxIK8zZvHoThFNgtij44JbLFRX1A-1nYkrLKUuz-1AH-H0JraArIA9Ww.k9QdFss2fqbOjkq-4sCT8o"
