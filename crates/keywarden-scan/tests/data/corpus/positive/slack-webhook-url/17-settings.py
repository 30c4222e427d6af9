token = "http://hooks.slack.com/services/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"
