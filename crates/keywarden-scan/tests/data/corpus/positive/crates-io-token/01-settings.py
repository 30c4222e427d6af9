token = "cio7qZ7q0UTksqUVMkxnV9Fk4ZxQpIMA1Uw"
