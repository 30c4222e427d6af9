token = "rnd_7qZtt0vBVzJDYKNA3ExIDAUujhibZwuc"
