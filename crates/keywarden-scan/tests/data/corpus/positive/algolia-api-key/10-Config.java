System.setProperty("ALGOLIA_ADMIN_API_KEY", "6d39c8034ebe0570bbfed8460da46a2e");
