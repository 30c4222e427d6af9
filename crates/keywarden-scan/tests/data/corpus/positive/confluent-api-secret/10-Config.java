System.setProperty("CONFLUENT_API_SECRET", "k9Q/cvAI57/Xd+78LxgnLtu0nDraHNCqNHmCAUcj3pIHfzZejBSigPqjyaUOjcZk");
