    "AWS::IAM::AccessKey": "62d91b17309e76c8",
