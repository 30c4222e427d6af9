System.setProperty("BUILDKITE_AGENT_TOKEN", "96871a22bcce7072b608b4a2d0eaa3d8ccf730ea5681bfdd76");
