value = "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"
