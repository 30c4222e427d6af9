token = "glcbt-64_k9QytsBOV4D5GJ7lH-nH"
