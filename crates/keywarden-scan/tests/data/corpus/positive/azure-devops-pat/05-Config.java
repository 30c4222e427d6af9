System.setProperty("AZURE_DEVOPS_PAT", "g52q55447pyur4z64rysbsda3s3piiarzahof22scjatmryllvly");
