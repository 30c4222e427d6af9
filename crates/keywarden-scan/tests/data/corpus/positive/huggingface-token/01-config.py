value = "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"
