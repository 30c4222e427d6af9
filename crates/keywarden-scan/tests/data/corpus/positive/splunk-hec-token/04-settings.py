SPLUNK_HEC_TOKEN = '3963cace-675a-bdf4-f655-ccccaeede63c'
