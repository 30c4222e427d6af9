System.setProperty("LINODE_TOKEN", "ccccaeede63c7d5bcaa51826ae2f441aecfae288dac1eec7072fc5d5b1e892ad");
