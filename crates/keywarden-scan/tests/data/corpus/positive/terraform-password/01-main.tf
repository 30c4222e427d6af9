resource "aws_db_instance" "db" {
  password = "7qZgWl2gcq7EXPuX"
}
