System.setProperty("ABLY_API_KEY", "k9Q_kq.k9Q2NP:k9QXl8F9RQcBO4WIeHQV-3k8uui4ndhM4IGQFDlviRu");
