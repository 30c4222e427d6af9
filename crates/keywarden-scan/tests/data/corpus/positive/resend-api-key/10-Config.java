System.setProperty("RESEND_API_KEY", "re_7qZXzSb3_7qZ79SsDAus0vxRW8K42zoAm");
