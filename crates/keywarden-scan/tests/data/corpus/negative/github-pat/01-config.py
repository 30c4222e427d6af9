value = "ghp_7qaxFzlvR6L7mCTSFoCX4EKLoF0RfG0XwcEM"
