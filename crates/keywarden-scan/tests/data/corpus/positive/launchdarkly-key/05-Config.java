System.setProperty("LAUNCHDARKLY_SDK_KEY", "sdk-5914bbb1-e5fa-78e7-c25e-9e5aaf7d7e38");
