token = "http://hooks.slack.com/services/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"
