token = "phx_7qZ6KRSp0psiOG56PYokQGXtbEp8Fu6DWAbyQMowKs8"
