value = "dapi8bae33e519c81f0647b91e64db2581c7"
