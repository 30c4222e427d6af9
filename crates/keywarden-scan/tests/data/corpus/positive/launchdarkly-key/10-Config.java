System.setProperty("LAUNCHDARKLY_SDK_KEY", "sdk-7b7c1b7f-2b8c-2a38-5ad8-148af6f4cce8");
