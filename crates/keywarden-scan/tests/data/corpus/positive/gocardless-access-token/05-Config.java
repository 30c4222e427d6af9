System.setProperty("GOCARDLESS_ACCESS_TOKEN", "live_k9QxJSNH5gTdbV7BassKrEklt2NzQ_CHkHY0i6DZ");
