System.setProperty("DRONE_TOKEN", "7qZgHBLBL1hVHGix70fWYL0XFa0LnzpX");
