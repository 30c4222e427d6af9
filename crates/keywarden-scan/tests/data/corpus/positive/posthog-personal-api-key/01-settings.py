token = "phx_7qZZpXlGpuzlmtoJzcob7UcfpsJAdUGKYmZZFPp2hkE"
