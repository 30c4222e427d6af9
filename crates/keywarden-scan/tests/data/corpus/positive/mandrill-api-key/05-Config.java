System.setProperty("MANDRILL_API_KEY", "k9QkFE_LfZEthmLAneCHnf");
