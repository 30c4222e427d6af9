const token = process.env.TOKEN;
