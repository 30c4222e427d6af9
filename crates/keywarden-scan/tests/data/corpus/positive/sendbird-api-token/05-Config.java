System.setProperty("SENDBIRD_API_TOKEN", "2bae6d891926bbd9ded4b3223ee66c9f7f35a294");
