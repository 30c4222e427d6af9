System.setProperty("LAUNCHDARKLY_SDK_KEY", "sdk-6db185a3-84f0-4dae-484c-48e5f848b871");
