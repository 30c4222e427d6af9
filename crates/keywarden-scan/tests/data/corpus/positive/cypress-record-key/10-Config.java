System.setProperty("CYPRESS_RECORD_KEY", "473eab75-95f9-b523-bd11-ce669e59742f");
