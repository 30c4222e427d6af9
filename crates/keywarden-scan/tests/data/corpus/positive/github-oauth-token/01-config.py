value = "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"
