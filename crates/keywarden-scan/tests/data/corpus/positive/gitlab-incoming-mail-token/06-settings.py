token = "glimt-k9Q9SM_kfdkmPhkQDjL3UNFat"
