System.setProperty("KUCOIN_API_SECRET", "4c4b9f10-7ec6-ba22-6127-344cbabadfaf");
