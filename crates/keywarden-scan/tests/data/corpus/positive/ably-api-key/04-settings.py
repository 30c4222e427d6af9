ABLY_API_KEY = 'k9QEOQ.k9QqGf:k9Qzcp_9-f-Slo-QY5KFdf1onYSWnVGafgbdGk3DnRm'
