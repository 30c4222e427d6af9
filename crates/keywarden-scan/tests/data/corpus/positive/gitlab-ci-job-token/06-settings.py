token = "glcbt-64_k9QnSSLFXB51nCQWeduE"
