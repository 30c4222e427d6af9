System.setProperty("DRONE_TOKEN", "7qZ614AvxOyCAmTxn3wFJHqdfnTjUEGF");
