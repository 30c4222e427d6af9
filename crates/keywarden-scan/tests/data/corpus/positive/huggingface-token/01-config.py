value = "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"
