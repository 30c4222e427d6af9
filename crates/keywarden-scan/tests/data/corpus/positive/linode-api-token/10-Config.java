System.setProperty("LINODE_TOKEN", "21ee6152c59ddf7959cf4fd2a24eabf2e0494ebdae295ca7c95de14e186a4563");
