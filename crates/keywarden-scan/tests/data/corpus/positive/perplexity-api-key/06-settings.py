token = "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"
