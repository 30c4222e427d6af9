token = self.tokenizer.next_token
