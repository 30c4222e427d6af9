token = "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"
