System.setProperty("LAUNCHDARKLY_SDK_KEY", "sdk-2d5a09e5-1dbd-d770-05dd-1a3871aa7498");
