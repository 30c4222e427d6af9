System.setProperty("GITEA_TOKEN", "027c312a5dea102b5b964abc3b110f01ddab1c8d");
