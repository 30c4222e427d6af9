value = "https://hooks.slack.com/services/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"
