System.setProperty("STABILITY_API_KEY", "sk-7qZlkKIrXeeT5Jp5DICrhBy4Yt3XBOxHX9jq7PXtlt8KAvSu");
