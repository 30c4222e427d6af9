value = "sq0atp-k9QdZ9W8Njpv1xNjw5jVNp"
