token = "glagent-k9QdovZs0zv_kCGENNDS-nc4mzS7QmLlJH6SMQNHTToztH3N1g"
