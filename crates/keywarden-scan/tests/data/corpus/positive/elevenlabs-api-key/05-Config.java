System.setProperty("ELEVENLABS_API_KEY", "sk_6a7ee53bb2317527b063e2c9446bb60eba4046ecf22e3b5d");
