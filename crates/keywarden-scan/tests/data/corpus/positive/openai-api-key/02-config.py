value = "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"
