System.setProperty("TODOIST_API_TOKEN", "424847354bae6abed61d6c9e5baa83ec2fad2c30");
