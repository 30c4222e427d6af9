token = "access_token$production$2fsn94b7saos1ag2$7d5f8649a04b8d3930c62037512ff1fb"
