System.setProperty("OKTA_API_TOKEN", "00k9Q_xa8QlZue2fs9gCzCxHg70D1EzIL2R2H96xKL");
