api_key = f"{prefix}-{suffix}"
