System.setProperty("STABILITY_API_KEY", "sk-7qZ32uB3HaCsvHszGMnxiRaHvQQGpVBnxNXhpj2ncl9zJpE3");
