value = "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"
