value = "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"
