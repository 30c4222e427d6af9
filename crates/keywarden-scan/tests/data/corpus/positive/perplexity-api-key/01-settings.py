token = "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"
