resource "aws_db_instance" "db" {
  password = "7qZC2WvQm9Ag362r"
}
