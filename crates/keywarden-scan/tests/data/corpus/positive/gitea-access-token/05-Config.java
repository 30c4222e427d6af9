System.setProperty("GITEA_TOKEN", "4daa45be80c8f0836debc7a2c07cf6a5cf101ea2");
