value = "glsa_7qZqhHIMaYZV4gKFitjtnZBFfyGMBkNp_b94a0a5b"
