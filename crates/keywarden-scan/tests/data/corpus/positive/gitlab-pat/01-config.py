value = "glpat-k9QhNXjaxHhKqIgCBWhs"
