value = "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"
