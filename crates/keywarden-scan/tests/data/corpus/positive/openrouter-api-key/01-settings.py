token = "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"
