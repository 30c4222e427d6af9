System.setProperty("MANDRILL_API_KEY", "k9QWIeHQV-3k8uui4ndhM4");
