System.setProperty("CLOUDFLARE_API_KEY", "ce03ac5a9cc6444e513dc488ffd790cc61a18");
