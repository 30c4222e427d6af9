token = "amzn1.oa2-cs.v1.d1b24dcccadc97101c35068547fedb94a50d852f5d2a4d65bbc1d7ad6afdf3cc"
