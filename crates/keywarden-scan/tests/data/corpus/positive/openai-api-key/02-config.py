value = "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"
