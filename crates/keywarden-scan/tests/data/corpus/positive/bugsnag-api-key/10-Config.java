System.setProperty("BUGSNAG_API_KEY", "053452c2b6ccb80cd81037c0b1776f10");
