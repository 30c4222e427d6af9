System.setProperty("GOCARDLESS_ACCESS_TOKEN", "live_k9QY5smALrW0SEzx2Aj6Rdcq1P-QlSjHaMThIiw1");
