System.setProperty("FASTLY_API_TOKEN", "k9QMdx3RnskmG75ULonJplvQrWPEYbeA");
