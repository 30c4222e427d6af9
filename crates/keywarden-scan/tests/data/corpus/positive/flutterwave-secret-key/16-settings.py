token = "FLWSECK-5defe2ab6609d6d15cd13483ace2255c-X"
