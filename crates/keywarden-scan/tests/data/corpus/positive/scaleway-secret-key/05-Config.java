System.setProperty("SCW_SECRET_KEY", "493cb5d0-dd5a-ff90-6e5d-e163fb236d56");
