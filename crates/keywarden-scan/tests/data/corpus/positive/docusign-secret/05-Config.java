System.setProperty("DOCUSIGN_CLIENT_SECRET", "abbde30f-7b4a-67ca-f73c-c47f8f4c3f0d");
