System.setProperty("RESEND_API_KEY", "re_7qZapaEF_7qZuCxlf5zURglZ0zL4oCmZv");
