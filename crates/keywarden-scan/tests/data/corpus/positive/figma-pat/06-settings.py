token = "figd_k9Q9AmPAJLFaRDX2bGVyimI8i1KHmQMvHgPhK0PF"
