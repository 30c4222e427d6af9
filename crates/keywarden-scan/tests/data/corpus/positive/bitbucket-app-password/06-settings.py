token = "ATBB7qZRASdt9jw2FaUMxWsmeqKJuGcs1YED"
