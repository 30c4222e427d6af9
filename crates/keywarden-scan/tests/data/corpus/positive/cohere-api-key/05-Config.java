System.setProperty("COHERE_API_KEY", "7qZVRxLLn29HWxsuRpYyfEai1vS7Ybuu4JfxYpZV");
