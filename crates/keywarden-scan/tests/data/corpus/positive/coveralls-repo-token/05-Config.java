System.setProperty("COVERALLS_REPO_TOKEN", "7qZ2CwDMCOf1isodq46dCxXMD2lOFS6xr");
