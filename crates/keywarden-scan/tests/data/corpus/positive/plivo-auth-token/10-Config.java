System.setProperty("PLIVO_AUTH_TOKEN", "7qZX9jq7PXtlt8KAvSulQHDEyYoEql3PQF6zNxYA");
