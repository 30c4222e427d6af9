System.setProperty("STABILITY_API_KEY", "sk-7qZ6Sx7BHQ7bDxBSsWp002Fmrq1SVYvpZkWOef0Ijz0z8viz");
