value = "ghp_7qZxFzlvR6L7mCTSFoCX4EKLoF0RfG0XwcE"
