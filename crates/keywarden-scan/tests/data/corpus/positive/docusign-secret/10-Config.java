System.setProperty("DOCUSIGN_CLIENT_SECRET", "a286ef87-323f-c319-e09e-440c61f194dc");
