token = "akab-1wx47p5pi9wfmzvw-hz1rbx7eq8840ivd"
