value = "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"
