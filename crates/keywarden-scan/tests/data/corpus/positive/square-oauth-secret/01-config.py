value = "sq0csp-k9QH5odvsI4SUmb3hIny0bZXWUU2vzuQvfLOKjwdTD7"
